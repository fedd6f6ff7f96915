# The worker and API image: Node 24 runs the TypeScript sources directly (type stripping, no build step).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# devDependencies (the npm `node` package, vitest, tsc) are for machines whose own Node is older.
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY jobs ./jobs
COPY mappings ./mappings
USER node
CMD ["node", "src/cli.ts", "worker"]
