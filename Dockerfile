# One image for every process: `rdns bot` (chat front ends + delivery) and `rdns worker` (DNS
# checks); docker-compose.yml runs them against one Redis.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY workers ./workers
# The build's copy step (the servers page's assets, the store's Lua scripts into dist/).
COPY scripts/copy-web-assets.mjs ./scripts/
# `npm ci` runs `prepare` (the TypeScript build); dev dependencies are needed for that only.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# Never run as root: the official image's unprivileged user.
USER node
ENTRYPOINT ["node", "bin/rdns.js"]
CMD ["serve"]
