# The worker and API image: Node 24 runs the TypeScript sources directly (type stripping, no build step).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's live heap is small (~40 MB at any source size); without a cap V8 lets garbage grow to ~460 MB before
# collecting. A 192 MB old space keeps a worker near 225 MB; a 32 MB semi-space costs ~45 MB of that and saves
# 3-6 % of the CPU per record against 8 MB (fewer scavenges; see the benchmark in the README).
ENV NODE_OPTIONS="--max-semi-space-size=32 --max-old-space-size=192"
COPY package.json package-lock.json ./
# devDependencies (the npm `node` package, vitest, tsc) are for machines whose own Node is older. npm still installs
# the dependencies of the local devDependency file:tools/openapi-types (TypeScript 5, ~25 MB) into tools/: dropped.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf tools
COPY src ./src
COPY jobs ./jobs
COPY mappings ./mappings
USER node
CMD ["node", "src/cli.ts", "worker"]
