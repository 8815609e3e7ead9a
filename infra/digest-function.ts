import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from './bundling.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the afterBundling hook puts templates/ inside the deployment package. */
export const LAMBDA_TEMPLATES_DIR = '/var/task/templates';

export interface DigestFunctionProps {
  /** Handler file relative to the project root, exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One handler file as a Lambda function, bundled locally by esbuild, with its own log group and
 * its own role. The role starts empty except for writing to that log group, so every other
 * permission is an explicit grant in infra/application/grants.ts (no AWSLambdaBasicExecutionRole).
 */
export class DigestFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DigestFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Handler', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        TEMPLATES_DIR: LAMBDA_TEMPLATES_DIR,
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools reads its level here, so an operator can turn on DEBUG without a deploy.
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        format: OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            copyDirectoryCommand(path.join(inputDir, 'templates'), path.join(outputDir, 'templates')),
          ],
        },
      },
    });
  }
}

// Node rather than `cp -R` so the hook runs the same on Windows shells.
function copyDirectoryCommand(from: string, to: string): string {
  const script = "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true })";
  return `node -e "${script}" ${JSON.stringify(from)} ${JSON.stringify(to)}`;
}
