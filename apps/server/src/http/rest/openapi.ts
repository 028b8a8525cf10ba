import { ephemeralEvent, pigeonEvent } from '@pigeon/schema';
import { z } from 'zod';
import { fileOperations } from './openapi-files';
import { procedureShape } from './procedures';
import { restError } from './rest-errors';
import { REST_PREFIX } from './rest-handler';
import { REST_ROUTES, type RestRoute } from './rest-routes';

type JsonSchema = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});

/**
 * The OpenAPI 3.1 document of the REST surface, made from the route table and each procedure's
 * own Zod schemas (JSON Schema 2020-12, which OpenAPI 3.1 speaks natively), so it cannot drift
 * from what the server validates.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of REST_ROUTES) {
    (paths[REST_PREFIX + route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  paths[`${REST_PREFIX}/events`] = { get: eventsOperation() };
  Object.assign(paths, fileOperations(REST_PREFIX));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pigeon REST API',
      version: '1.0.0',
      description:
        'The same procedures as the tRPC API, over plain HTTP and JSON. Log in at `POST /api/v1/auth/token` ' +
        '(JSON, or an OAuth2 password form) and send `Authorization: Bearer <accessToken>`. Errors answer ' +
        '`{ error: { code, message, fieldErrors, retryAfterSeconds, secondFactorChallenge, requestId } }`. The event stream is ' +
        '`GET /api/v1/events` (Server-Sent Events, resumable with `Last-Event-ID`).',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Auth' },
      { name: 'Users' },
      { name: 'Friends' },
      { name: 'Conversations' },
      { name: 'Events' },
      { name: 'Files' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        oauth2: {
          type: 'oauth2',
          flows: { password: { tokenUrl: `${REST_PREFIX}/auth/token`, scopes: {} } },
        },
      },
      schemas: {
        Error: jsonSchema(restError, 'output'),
        StreamItem: streamItemSchema(),
      },
    },
  };
}

function operation(route: RestRoute): Record<string, unknown> {
  const shape = procedureShape(route.procedure);
  const input = shape.input ? jsonSchema(shape.input, 'input') : null;
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const properties = (input?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input?.required ?? []) as string[]);
  const parameters = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: properties[name] ?? { type: 'string' },
  }));
  let requestBody: Record<string, unknown> | undefined;
  if (input && route.method === 'GET') {
    for (const [name, schema] of Object.entries(properties)) {
      if (!params.includes(name))
        parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
  } else if (input) {
    const body = withoutProperties(input, params);
    if (body) {
      const content: Record<string, unknown> = { 'application/json': { schema: body } };
      if (route.form) content['application/x-www-form-urlencoded'] = { schema: body };
      requestBody = { required: bodyRequired(body), content };
    }
  }
  const output = route.presenter?.schema ?? shape.output;
  const success = output
    ? {
        [String(route.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: jsonSchema(output, 'output') } },
        },
      }
    : { '204': { description: 'Done' } };
  return {
    operationId: route.procedure.replace(/\.(\w)/, (_, c: string) => c.toUpperCase()),
    summary: route.summary,
    description: `Calls the \`${route.procedure}\` procedure.`,
    tags: [route.tag],
    ...(route.public ? { security: [] } : { security: [{ bearer: [] }, { oauth2: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      ...success,
      '400': errorResponse('Invalid input (see `fieldErrors`)'),
      ...(route.public ? {} : { '401': errorResponse('No valid access token') }),
      '429': errorResponse('Too many requests (see `Retry-After`)'),
      default: errorResponse('Any other error: FORBIDDEN, NOT_FOUND, CONFLICT, …'),
    },
  };
}

function eventsOperation(): Record<string, unknown> {
  return {
    operationId: 'eventsStream',
    summary: 'Your event stream (Server-Sent Events)',
    description:
      'Each event is `id: <stream id>` and `data: <StreamItem as JSON>`. Reconnect with the standard ' +
      '`Last-Event-ID` header to receive every later event exactly once (`stream.live` marks the end of ' +
      'the replay). Comment lines (`: keep-alive`) arrive every 15 s. The stream ends with ' +
      '`event: close` when the access token expires or the session ends: reconnect with a fresh token.',
    tags: ['Events'],
    security: [{ bearer: [] }, { oauth2: [] }],
    parameters: [
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^\\d{1,15}$' },
      },
      {
        name: 'lastEventId',
        in: 'query',
        required: false,
        schema: { type: 'string', pattern: '^\\d{1,15}$' },
      },
    ],
    responses: {
      '200': {
        description: 'The stream',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      '400': errorResponse('Invalid Last-Event-ID'),
      '401': errorResponse('No valid access token'),
      '429': errorResponse('Too many connections for this user'),
    },
  };
}

/** What `data:` holds: a stored event, a signal, or the "caught up" marker, each with its `id`. */
function streamItemSchema(): JsonSchema {
  const withId = z.object({ id: z.number().int() });
  const live = z.object({ type: z.literal('stream.live'), id: z.number().int() });
  return jsonSchema(
    z.union([z.intersection(pigeonEvent, withId), z.intersection(ephemeralEvent, withId), live]),
    'output',
  );
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The body's schema: the input without the fields the path gives; null when nothing is left. */
function withoutProperties(input: JsonSchema, names: string[]): JsonSchema | null {
  if (names.length === 0 || !input.properties) return input;
  const properties = Object.fromEntries(
    Object.entries(input.properties as JsonSchema).filter(([k]) => !names.includes(k)),
  );
  if (Object.keys(properties).length === 0) return null;
  const required = ((input.required ?? []) as string[]).filter((k) => !names.includes(k));
  return { ...input, properties, ...(required.length > 0 ? { required } : { required: undefined }) };
}

function bodyRequired(body: JsonSchema): boolean {
  return Array.isArray(body.required) ? body.required.length > 0 : body.anyOf !== undefined;
}
