# The worker and API image: Node 24 runs the TypeScript sources directly (type stripping, no build step).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's live heap is small (~40 MB at any source size); without limits V8 lets garbage grow to ~300 MB before
# collecting. These keep a worker under ~200 MB at no measurable CPU cost (see the benchmark in the README).
ENV NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=192"
COPY package.json package-lock.json ./
# devDependencies (the npm `node` package, vitest, tsc) are for machines whose own Node is older.
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY jobs ./jobs
COPY mappings ./mappings
USER node
CMD ["node", "src/cli.ts", "worker"]
