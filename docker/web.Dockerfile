# syntax=docker/dockerfile:1.7
# Gennaker web UI: the static React build served by apps/web/server.mjs, which proxies /api,
# /webhooks and /metrics to the API (GENNAKER_API_URL). Build from the repository root:
# docker build -f docker/web.Dockerfile -t gennaker-web .

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web

# The server uses Node's own modules only: no node_modules in the runtime image.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    GENNAKER_WEB_PORT=9000 \
    GENNAKER_WEB_HOST=0.0.0.0 \
    GENNAKER_API_URL=http://api:8084
WORKDIR /app
COPY --from=build --chown=node:node /src/apps/web/server.mjs ./apps/web/server.mjs
COPY --from=build --chown=node:node /src/dist/apps/web ./dist/apps/web
USER node
EXPOSE 9000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GENNAKER_WEB_PORT||9000)+'/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/web/server.mjs"]
