import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DigestFunction } from '../digest-function.ts';
import type { DigestFunctions } from './functions.ts';

export interface DigestHttpApi {
  readonly api: HttpApi;
  readonly stage: HttpStage;
}

/** The API and its throttled, access-logged default stage; routes come later, once the functions exist. */
export function createHttpApi(scope: Construct): DigestHttpApi {
  const api = new HttpApi(scope, 'HttpApi', {
    description: 'digest-mailer: ingest, subscribe, confirm, unsubscribe',
    createDefaultStage: false,
  });
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stage = api.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: 50, burstLimit: 100 },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      // routeKey rather than the path with its query: confirm/unsubscribe tokens stay out of the logs.
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          sourceIp: '$context.identity.sourceIp',
          routeKey: '$context.routeKey',
          status: '$context.status',
          responseLength: '$context.responseLength',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
        }),
      ),
    },
  });
  return { api, stage };
}

export function addRoutes(api: HttpApi, functions: DigestFunctions): void {
  const route = (path: string, methods: HttpMethod[], target: DigestFunction, name: string): void => {
    api.addRoutes({ path, methods, integration: new HttpLambdaIntegration(name, target.function) });
  };
  route('/articles', [HttpMethod.POST], functions.ApiArticles, 'ArticlesIntegration');
  route('/subscriptions', [HttpMethod.POST], functions.ApiSubscriptions, 'SubscriptionsIntegration');
  route('/confirm', [HttpMethod.GET, HttpMethod.POST], functions.ApiConfirm, 'ConfirmIntegration');
  route('/unsubscribe', [HttpMethod.GET, HttpMethod.POST], functions.ApiUnsubscribe, 'UnsubscribeIntegration');
  route('/preferences', [HttpMethod.GET, HttpMethod.POST], functions.ApiPreferences, 'PreferencesIntegration');
  route('/', [HttpMethod.GET], functions.ApiSite, 'SiteIntegration');
  route('/health', [HttpMethod.GET], functions.ApiSite, 'HealthIntegration');
  route('/editions', [HttpMethod.GET], functions.ApiSite, 'ArchiveIntegration');
  route('/editions/{id}', [HttpMethod.GET], functions.ApiSite, 'EditionIntegration');
  route('/sources', [HttpMethod.GET, HttpMethod.POST], functions.ApiSources, 'SourcesIntegration');
  route('/sources/{id}', [HttpMethod.DELETE], functions.ApiSources, 'SourceIntegration');
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Subscribe, confirm, unsubscribe (RFC 8058 one-click), preferences, the subscribe page, web editions and /health are public by design; confirm/unsubscribe/preferences carry a signed token and POST /articles and /sources check a hashed x-api-key inside the function.',
  });
}
