import type { AppRouter as ServerRouter } from '@pigeon/api';
import type { TRPCClient } from '@trpc/client';
import type { AnyTRPCProcedure, AnyTRPCRouter, inferRouterError, TRPCBuiltRouter } from '@trpc/server';

/**
 * A router record with every nested router replaced by its procedures. The nested routers'
 * types carry the server's context; procedures carry only their input, output and errors.
 * (`infer` makes it an anonymous type, which the declaration emitter writes out in full.)
 */
type PublicRecord<TRecord> = TRecord extends infer R
  ? { [K in keyof R]: R[K] extends AnyTRPCProcedure ? R[K] : PublicRecord<R[K]> }
  : never;

/**
 * A router's public face: its procedures and error shape, with the server's context, meta and
 * transformer erased.
 */
declare function publicFace<TRouter extends AnyTRPCRouter>(): TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: inferRouterError<TRouter>; transformer: false },
  PublicRecord<TRouter['_def']['record']>
>;

/**
 * Never called. Its return type is inferred, and an inferred type is what the declaration
 * emitter spells out in full; a type alias would be emitted by name and drag `@pigeon/api` (and
 * through it the database, its drivers and every server source) into a consumer's type check.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only its inferred return type is used
function materialise() {
  return publicFace<ServerRouter>();
}

/** The Pigeon API's router type, as clients see it: every procedure's input, output and errors. */
export type AppRouter = ReturnType<typeof materialise>;

type OnStreamData = NonNullable<
  Parameters<TRPCClient<AppRouter>['events']['subscribe']['subscribe']>[1]['onData']
>;

/** What a user's event stream yields: stored events, `stream.live` and ephemeral signals. */
export type StreamItem = Parameters<OnStreamData>[0]['data'];
