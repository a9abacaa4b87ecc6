# syntax=docker/dockerfile:1.7
# Gennaker API: REST /api/v1, server-sent events, Git webhooks, /metrics, /admin/queues.
# Build from the repository root: docker build -f docker/api.Dockerfile -t gennaker-api .

# 1. Build: every dependency, then the esbuild bundle of apps/api.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node tools/build/build.mjs api

# 2. Production dependencies only (the bundle keeps npm packages external).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: bundle + production node_modules, as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    GENNAKER_API_PORT=8084 \
    GENNAKER_API_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /src/package.json ./package.json
COPY --from=build --chown=node:node /src/dist/apps/api ./dist/apps/api
USER node
EXPOSE 8084
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GENNAKER_API_PORT||8084)+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/api/main.js"]
