import { appRouter, type Context } from '@pigeon/api';
import { callTRPCProcedure, type TRPCProcedureType } from '@trpc/server';
import { z } from 'zod';
import type { ProcedurePath } from './rest-routes';

export interface ProcedureShape {
  type: TRPCProcedureType;
  /** The procedure's own input and output schemas: the ones it validates with. */
  input: z.ZodType | null;
  output: z.ZodType | null;
}

interface ProcedureDef {
  type: TRPCProcedureType;
  inputs: unknown[];
  output?: unknown;
}

/** The type and Zod schemas of a procedure of the router, read from its definition. */
export function procedureShape(path: ProcedurePath): ProcedureShape {
  // At run time tRPC keeps every procedure under its dotted path (the types show the tree).
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: ProcedureDef } | undefined
  >;
  const def = procedures[path]?._def;
  if (!def) throw new Error(`No procedure ${path}`);
  if (def.inputs.length > 1) throw new Error(`${path}: chained inputs are not supported by REST`);
  return { type: def.type, input: zodOrNull(def.inputs[0], path), output: zodOrNull(def.output, path) };
}

function zodOrNull(parser: unknown, path: string): z.ZodType | null {
  if (parser === undefined) return null;
  if (parser instanceof z.ZodType) return parser;
  throw new Error(`${path}: REST needs Zod schemas`);
}

/**
 * Runs a procedure exactly as tRPC's HTTP adapter does: its middlewares (auth, rate limits,
 * the publishing of committed changes), input validation and output validation all apply.
 */
export function callProcedure(
  path: ProcedurePath,
  type: TRPCProcedureType,
  ctx: Context,
  input: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  return callTRPCProcedure({
    router: appRouter,
    path,
    type,
    ctx,
    getRawInput: () => Promise.resolve(input),
    signal,
    batchIndex: 0,
  }) as Promise<unknown>;
}
