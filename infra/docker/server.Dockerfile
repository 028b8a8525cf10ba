# syntax=docker/dockerfile:1.7
# The Pigeon server image. Build from the repository root:
#   docker build -f infra/docker/server.Dockerfile -t pigeon-server .
# The server is built ahead of time (apps/server/build.ts: one esbuild bundle with the workspace
# packages and every pure-JavaScript dependency inside); the runtime stage holds that bundle,
# the web app's static files and the production dependencies the bundle leaves outside
# (argon2's native addon, sharp's libvips, PGlite's WebAssembly), and runs it with plain node. No tsx, esbuild,
# TypeScript or sources.

FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
# package.json's "files" is ["dist"]: the deployed folder gets the bundle and prod deps only.
RUN pnpm install --frozen-lockfile --filter "@pigeon/server..." --filter "@pigeon/web..." \
  && pnpm --filter @pigeon/web build \
  && pnpm --filter @pigeon/server build \
  && pnpm --filter @pigeon/server deploy --legacy --prod /out/server \
  && rm -f /out/server/dist/*.map \
  && mkdir -p /out/web && cp -r apps/web/dist /out/web/dist \
  && find /out/web/dist -name '*.map' -delete

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 \
  WEB_DIST=/app/web/dist PIGEON_DATA_DIR=/var/lib/pigeon
WORKDIR /app
COPY --from=build /out/server /app/server
COPY --from=build /out/web /app/web
# The embedded database's directory and the filesystem file store's default (files/), owned by
# the unprivileged user before VOLUME, so a new volume starts with that owner (otherwise:
# EACCES … mkdir). Only the files use it with DATABASE_URL, and not with STORAGE_DRIVER=s3.
RUN mkdir -p /var/lib/pigeon && chown node:node /var/lib/pigeon
VOLUME /var/lib/pigeon
USER node
WORKDIR /app/server
EXPOSE 3000
# Ready, not merely alive: the database, the bus and the file store answer (a load balancer's question).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 itself (no shell, no pnpm), so SIGTERM reaches the graceful shutdown.
CMD ["node", "dist/main.js"]
