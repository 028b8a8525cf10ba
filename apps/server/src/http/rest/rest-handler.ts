import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps, Context } from '@pigeon/api';
import { z } from 'zod';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { sendJson } from '../respond';
import { callProcedure, procedureShape, type ProcedureShape } from './procedures';
import { readBody } from './request-body';
import { restFailure, sendRestError } from './rest-errors';
import { REST_ROUTES, type RestRoute } from './rest-routes';

export const REST_PREFIX = '/api/v1';

interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  params: string[];
  shape: ProcedureShape;
  /** Input fields that a query string gives as text but the schema wants as numbers or booleans. */
  coercions: Map<string, 'number' | 'boolean'>;
}

export interface RestHandlerOptions {
  deps: ApiDeps;
  config: HttpContextConfig;
  onError: ProcedureErrorHandler;
}

/** Answers /api/v1/… by calling the route's procedure with the request's own context. */
export function restHandler(opts: RestHandlerOptions) {
  const table = REST_ROUTES.map(compile);
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const local = path.slice(REST_PREFIX.length) || '/';
    const matches = table.flatMap((c) => {
      const m = c.pattern.exec(local);
      return m ? [{ compiled: c, values: m.slice(1) }] : [];
    });
    const match = matches.find((m) => m.compiled.route.method === req.method);
    let ctx: Context | undefined;
    let input: unknown;
    try {
      if (!match) {
        if (matches.length === 0) throw restFailure('NOT_FOUND', `No route ${req.method ?? ''} ${path}.`);
        res.setHeader('allow', [...new Set(matches.map((m) => m.compiled.route.method))].join(', '));
        throw restFailure('METHOD_NOT_SUPPORTED', `${req.method ?? ''} is not allowed on ${path}.`);
      }
      const { compiled } = match;
      input = await inputOf(req, compiled, match.values.map(pathSegment));
      ctx = await httpRequestContext(opts.deps, opts.config, req, res);
      const output = await callProcedure(compiled.route.procedure, compiled.shape.type, ctx, input);
      // Only validated output leaves: a procedure without an output schema (nor a presenter that
      // checks one) answers no body.
      if ((!compiled.shape.output && !compiled.route.presenter) || output === undefined) {
        res.writeHead(204, { 'cache-control': 'no-store' });
        res.end();
        return;
      }
      const body = compiled.route.presenter ? compiled.route.presenter.present(output) : output;
      sendJson(res, compiled.route.status ?? 200, body);
    } catch (err) {
      sendRestError(res, err, { path: match?.compiled.route.procedure, ctx, input, onError: opts.onError });
    }
  };
}

function pathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw restFailure('BAD_REQUEST', 'The path holds a malformed %-escape.');
  }
}

function compile(route: RestRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  const shape = procedureShape(route.procedure);
  return { route, pattern: new RegExp(`^${source}/?$`), params, shape, coercions: coercionsOf(shape.input) };
}

/**
 * The procedure's raw input: the query (GET) or the body, with the path's parameters over it.
 * Validation is the procedure's, not ours.
 */
async function inputOf(req: IncomingMessage, compiled: CompiledRoute, values: string[]): Promise<unknown> {
  const { route, shape } = compiled;
  const given =
    route.method === 'GET'
      ? queryOf(req, compiled.coercions)
      : await readBody(req, route.form ? ['json', 'form'] : ['json']);
  if (!shape.input) return undefined;
  if (compiled.params.length === 0) return given ?? {};
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    throw restFailure('BAD_REQUEST', 'The body must be a JSON object.');
  }
  return { ...given, ...Object.fromEntries(compiled.params.map((name, i) => [name, values[i]])) };
}

function queryOf(
  req: IncomingMessage,
  coercions: Map<string, 'number' | 'boolean'>,
): Record<string, unknown> {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const input: Record<string, unknown> = {};
  for (const [key, text] of query) {
    const as = coercions.get(key);
    input[key] =
      as === 'number' && /^-?\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : as === 'boolean' && (text === 'true' || text === 'false')
          ? text === 'true'
          : text;
  }
  return input;
}

function coercionsOf(input: z.ZodType | null): Map<string, 'number' | 'boolean'> {
  const coercions = new Map<string, 'number' | 'boolean'>();
  if (!input) return coercions;
  const schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' });
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const type = typeof property === 'object' ? property.type : undefined;
    if (type === 'integer' || type === 'number') coercions.set(name, 'number');
    if (type === 'boolean') coercions.set(name, 'boolean');
  }
  return coercions;
}
