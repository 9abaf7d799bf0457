# syntax=docker/dockerfile:1
# One image for every process of the graph: SERVICE picks which (gateway, a subgraph, migrate or
# seed; scripts/serve.ts, deploy/processes.ts). TypeScript runs through tsx's loader, as in
# development: README, "Deploy", has the start time and memory that cost.

# ---- install: production dependencies from the lockfile, nothing else
FROM node:20-slim AS install
# corepack's signature check fails on some machines; npm installs the pinned pnpm everywhere.
RUN npm install -g pnpm@10.34.9
WORKDIR /app
# Only the lockfile: this layer (the download) is rebuilt when dependencies change, not sources.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store pnpm fetch --prod
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store pnpm install --offline --prod --frozen-lockfile

# ---- runtime: Node, the sources and their production dependencies; no pnpm, no store, no keys
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    LISTEN_HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only to the user the processes run as.
COPY --from=install /app /app
USER node
EXPOSE 4000-4009
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "--import", "tsx", "scripts/healthcheck.ts"]
# Node is PID 1 and handles SIGTERM itself (each entry point drains, then exits): no init needed,
# since no process of ours starts children. The flag is SERVER_NODE_FLAGS (packages/runtime/src/process.ts).
ENTRYPOINT ["node", "--max-semi-space-size=32", "--import", "tsx", "scripts/serve.ts"]
