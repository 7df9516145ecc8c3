import { FakeMonarxServer } from '../test/fakes/fake-monarx-server';

// The fake Monarx API in a process of its own, as a real vendor is: its page building neither shares the event loop
// of the service under measurement nor counts in its memory. `node fake-monarx-process.js <files> <agents> <start ISO>
// <spacing ms>`; prints one JSON line {url, enterpriseId, apiId, apiKey} when it listens.
const [files, agents, start, spacingMs] = process.argv.slice(2);
const fake = new FakeMonarxServer();
fake.generate({ files: Number(files), agents: Number(agents), start: new Date(start), spacingMs: Number(spacingMs) });
fake.start().then((url) => {
  process.stdout.write(JSON.stringify({ url, enterpriseId: fake.enterpriseId, apiId: fake.apiId, apiKey: fake.apiKey }) + '\n');
});
