// The clock is shared (src/clock): digests and destination health read the same, controllable time.
export { Clock } from '../clock/clock';
