/**
 * How every Lambda handler is bundled: the NodejsFunction construct (infra/digest-function.ts)
 * and `npm run bench:bundle` (bench/bundle.ts) both read these, so the benchmark measures the
 * bundles that deploy.
 */
import type { BuildOptions } from 'esbuild';

export const LAMBDA_NODE_TARGET = 'node22';

// mjml's dependencies are CommonJS and call require(); an ESM bundle has no require of its own.
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

// The runtime ships the AWS SDK v3. cosmiconfig (via mjml -> htmlnano) only requires typescript
// to read a .ts config file, which never exists in the package; bundling it would add 3.5 MB.
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*', 'typescript'];

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
