# syntax=docker/dockerfile:1.7
# The Pigeon server image. Build from the repository root:
#   docker build -f infra/docker/server.Dockerfile -t pigeon-server .
# Workspace packages ship TypeScript sources and the server runs them with tsx, so the image
# holds the sources of the server's packages and their production dependencies only.

FROM node:20-bookworm-slim AS deps
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/server/package.json apps/server/
COPY packages/schema/package.json packages/schema/
COPY packages/db/package.json packages/db/
COPY packages/api/package.json packages/api/
COPY packages/client/package.json packages/client/
COPY packages/test-utils/package.json packages/test-utils/
COPY examples/echo-bot/package.json examples/echo-bot/
COPY apps/web/package.json apps/web/
COPY infra/package.json infra/
COPY e2e/package.json e2e/
RUN pnpm install --frozen-lockfile --prod --filter "@pigeon/server..."

# The web app is built here (it needs dev dependencies) and only its static files move on.
FROM node:20-bookworm-slim AS web
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile --filter "@pigeon/web..." && pnpm --filter @pigeon/web build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=deps /app ./
COPY packages/schema/src packages/schema/src
COPY packages/db/src packages/db/src
COPY packages/db/migrations packages/db/migrations
COPY packages/api/src packages/api/src
COPY apps/server/src apps/server/src
COPY tsconfig.base.json ./
COPY packages/schema/tsconfig.json packages/schema/
COPY packages/db/tsconfig.json packages/db/
COPY packages/api/tsconfig.json packages/api/
COPY apps/server/tsconfig.json apps/server/
# Served by the server from the same port (it looks in apps/web/dist).
COPY --from=web /app/apps/web/dist apps/web/dist
USER node
WORKDIR /app/apps/server
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1's child-free process here, so SIGTERM reaches the graceful shutdown.
CMD ["node", "--import", "tsx", "src/main.ts"]
