/**
 * How every Lambda handler is bundled: the NodejsFunction construct (infra/digest-function.ts)
 * and `npm run bench:bundle` (bench/bundle.ts) both read these, so the benchmark measures the
 * bundles that deploy.
 */
import type { BuildOptions } from 'esbuild';

export const LAMBDA_NODE_TARGET = 'node22';

// Powertools' tracer brings the X-Ray SDK and cls-hooked, which are CommonJS and require() Node's
// built-in modules (async_hooks, crypto, http...); an ESM bundle has no require of its own.
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

// The runtime ships the AWS SDK v3 and the Smithy packages it is built on.
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*'];

// A package without an exports map is read from its ESM build when it has one (esbuild's Node default
// is the reverse): ESM tree-shakes, and needs no require shim.
export const MAIN_FIELDS = ['module', 'main'];

/** The bundling settings as NodejsFunction takes them (format is set by the construct). */
export const LAMBDA_BUNDLING = {
  target: LAMBDA_NODE_TARGET,
  minify: true,
  sourceMap: true,
  // Stack traces need the mappings, not a second copy of every dependency's source.
  sourcesContent: false,
  mainFields: MAIN_FIELDS,
  banner: ESM_REQUIRE_BANNER,
  externalModules: EXTERNAL_MODULES,
} as const;

/** The same settings in esbuild's own API: what NodejsFunction passes to esbuild for one entry. */
export function lambdaEsbuildOptions(entryPoint: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    external: [...LAMBDA_BUNDLING.externalModules],
  };
}
