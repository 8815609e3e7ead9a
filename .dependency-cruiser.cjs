// Import rules for the tree (docs/architecture.md explains the layout). `npm run deps` checks them;
// `npm test` runs it after the linter. Type-only imports count as dependencies.
const CORE = '^functions/core/';
const OUTSIDE_CORE = '^(functions/(adapters|handlers|local|cli|build)|infra|test|bench|bin)/';
const INFRASTRUCTURE_PACKAGES = '^node_modules/(@aws-sdk|@smithy|aws-cdk-lib|constructs|mjml|@aws-lambda-powertools|@types/aws-lambda)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stays-inside',
      severity: 'error',
      comment: 'Core depends on nothing outside core: adapters, handlers, the local stack, the CLI and infra depend on it.',
      from: { path: CORE },
      to: { path: OUTSIDE_CORE },
    },
    {
      name: 'core-without-infrastructure-packages',
      severity: 'error',
      comment: 'Core holds no AWS SDK, CDK, Powertools, Lambda types or mjml: adapters bring those behind ports.',
      from: { path: CORE },
      to: { path: INFRASTRUCTURE_PACKAGES },
    },
    {
      name: 'capability-through-its-index',
      severity: 'error',
      comment: "A core capability uses another only through that capability's index.ts.",
      from: { path: '^functions/core/([^/]+)/' },
      to: { path: CORE, pathNot: ['^functions/core/$1/', '^functions/core/[^/]+/index\\.ts$'] },
    },
    {
      name: 'handler-stands-alone',
      severity: 'error',
      comment: 'A handler does not import another handler or the local stack.',
      from: { path: '^functions/handlers/' },
      to: { path: '^functions/(handlers|local)/' },
    },
    {
      name: 'adapter-below-entry-points',
      severity: 'error',
      comment: 'Adapters do not import the entry points that wire them: handlers, the local stack, the CLI.',
      from: { path: '^functions/adapters/' },
      to: { path: '^functions/(handlers|local|cli)/' },
    },
    {
      name: 'functions-without-tests-or-benches',
      severity: 'error',
      comment: 'Shipped code does not import tests or benchmarks.',
      from: { path: '^functions/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves to a file or an installed package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.data|coverage|templates)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    progress: { type: 'none' },
  },
};
