# Mandate Watch: one image for the API and the worker (docker-compose.yml starts both).
# Build: docker build -t mandate-watch .

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true
COPY package.json package-lock.json ./
COPY prisma.config.ts ./
COPY prisma ./prisma
COPY libs/db ./libs/db
RUN npm ci --no-audit --no-fund
COPY . .
# The console is built when its sources are in the tree; the folder exists either way.
RUN npm run build:server \
 && if [ -f apps/console/vite.config.ts ]; then npm run build:console; fi \
 && mkdir -p apps/console/dist \
 && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/apps/console/dist ./apps/console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The API; the worker service overrides this with dist/apps/launcher/src/worker.js.
CMD ["node", "dist/apps/api/src/main.js"]
