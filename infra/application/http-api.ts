import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES } from '../../functions/adapters/http/api-routes.ts';
import type { FunctionName } from '../../functions/adapters/runtime/function-ports.ts';
import { type DigestFunctions, FUNCTION_IDS, type FunctionId, handlerOf } from './functions.ts';

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

/**
 * Every route of the API's route table (functions/adapters/http/api-routes.ts) to the Lambda it
 * names, HEAD beside each GET (the handlers answer HEAD with the GET's headers and no body), and
 * a $default route to the site function, so a path or method no route matches gets the API's
 * own JSON 404 or 405 with Allow and security headers rather than API Gateway's bare answer.
 */
export function addRoutes(api: HttpApi, functions: DigestFunctions): void {
  const integrations = new Map<FunctionId, HttpLambdaIntegration>();
  const integrationOf = (name: FunctionName): HttpLambdaIntegration => {
    const id = FUNCTION_IDS.find((candidate) => handlerOf(candidate) === name);
    if (!id) throw new Error(`No function in infra/application/functions.ts runs the handler ${name}.`);
    let integration = integrations.get(id);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${id}Integration`, functions[id].function);
      integrations.set(id, integration);
    }
    return integration;
  };
  for (const route of API_ROUTES) {
    const methods = route.method === 'GET' ? [HttpMethod.GET, HttpMethod.HEAD] : [HttpMethod[route.method]];
    api.addRoutes({ path: route.path, methods, integration: integrationOf(route.function) });
  }
  new HttpRoute(api, 'DefaultRoute', { httpApi: api, routeKey: HttpRouteKey.DEFAULT, integration: integrationOf('api-site') });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'Subscribe, confirm, unsubscribe (RFC 8058 one-click), preferences, the subscribe page, web editions, /health, /openapi.json and the $default 404/405 are public by design; confirm/unsubscribe/preferences carry a signed token and POST /articles and the /sources routes check a hashed x-api-key inside the function.',
  });
}

/**
 * The click redirect's own throttle. Mail scanners follow every link of a digest within seconds
 * of delivery, so a send of 100k readers can bring thousands of redirects a second; under the
 * stage's 50 requests/s they would be refused (429) and crowd out readers, while the redirect is
 * one edition read and one queue message. Its route keys (GET and HEAD) take a limit of their own.
 */
export function throttleClickRoute(stage: HttpStage, limits: { redirectRateLimit: number; redirectBurstLimit: number }): void {
  const clickRoutes = API_ROUTES.filter((route) => route.function === 'api-clicks').flatMap((route) => [
    `${route.method} ${route.path}`,
    `HEAD ${route.path}`,
  ]);
  // RouteSettings is a JSON map in CloudFormation, passed through as written: its keys take CloudFormation's own case.
  const settings = { ThrottlingRateLimit: limits.redirectRateLimit, ThrottlingBurstLimit: limits.redirectBurstLimit };
  (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(clickRoutes.map((key) => [key, settings]));
}
