// Keeps the layout of README.md "Layout" by a rule: `npm run lint:deps` (part of `npm test`) fails on any of these.
// Feature folders: every folder under src/ except the shared infrastructure below (config, db, jobs, http, api,
// errors, metrics, boot). metrics/ is infrastructure too: the one Prometheus registry that jobs/ and api/ write to;
// boot/ is standard output (the log destination, the start's summary) that api/ and the bootstrap write to.
const infrastructure = ['config', 'db', 'jobs', 'http', 'api', 'errors', 'metrics', 'boot'];
const notInfrastructure = `(?!(?:${infrastructure.join('|')})(?:/|$))`;
// a module inside a feature folder, and (for the folder-scoped cycle rule) the folder itself
const feature = `^src/${notInfrastructure}[^/]+/`;
const featureFolder = `^src/(${notInfrastructure}[^/]+)$`;
const under = (...folders) => `^src/(?:${folders.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'causes-not-into-pipeline',
      comment: 'events, vendors and customers are what causes messages; they never reach into who sends or composes them',
      severity: 'error',
      from: { path: under('events', 'vendors', 'customers') },
      to: { path: under('deliveries', 'destinations', 'digests', 'rules') },
    },
    {
      name: 'destinations-know-no-cause',
      comment: 'a destination adapter sends what it is given and knows nothing of why',
      severity: 'error',
      from: { path: under('destinations') },
      to: { path: under('digests', 'rules', 'events') },
    },
    {
      name: 'deliveries-know-no-cause',
      comment: 'the pipeline (rows, jobs, attempts, retries) knows nothing of what a message says or why it is sent',
      severity: 'error',
      from: { path: under('deliveries') },
      to: { path: under('digests', 'rules') },
    },
    {
      name: 'content-not-into-pipeline',
      comment: 'templates and brands compose content; the pipeline sits above them, never below',
      severity: 'error',
      from: { path: under('templates', 'brands') },
      to: { path: under('deliveries') },
    },
    {
      name: 'infrastructure-depends-on-no-feature',
      comment: 'config, db, jobs and http sit under every feature and import none',
      severity: 'error',
      from: { path: under('config', 'db', 'jobs', 'http') },
      to: { path: feature },
    },
    {
      name: 'no-cycle-between-features',
      comment: 'feature folders depend one way: two folders never import each other, directly or through others',
      severity: 'error',
      scope: 'folder',
      // a folder's subfolders count as the folder (vendors/monarx is vendors)
      from: { path: featureFolder },
      to: { path: `^src/${notInfrastructure}[^/]+`, pathNot: '^src/$1(?:/|$)', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
