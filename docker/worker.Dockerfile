# syntax=docker/dockerfile:1.7
# Gennaker worker: the engine (queue processors, tasks, cron, repair), the local provider's host,
# /metrics and /health on GENNAKER_WORKER_METRICS_PORT. Run as many as you like on one Postgres
# and one Redis. Build from the repository root: docker build -f docker/worker.Dockerfile -t gennaker-worker .

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node tools/build/build.mjs worker

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# git: the local provider bakes images from git commits; tini: signals reach node, and the local
# provider's instance processes are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    GENNAKER_DATA_DIR=/data \
    GENNAKER_WORKER_METRICS_PORT=9091
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /src/package.json ./package.json
COPY --from=build --chown=node:node /src/dist/apps/worker ./dist/apps/worker
# The example service and pipelines, so the local provider has something to bake.
COPY --from=build --chown=node:node /src/examples ./examples
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 9091
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.GENNAKER_WORKER_METRICS_PORT||9091;if(p==='0')process.exit(0);fetch('http://127.0.0.1:'+p+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/apps/worker/main.js"]
