# The crisis ledger's server, for docker-compose.yml (KurrentDB beside it). better-sqlite3 builds
# from source here (python3, make and g++ are in the node image); nothing else is downloaded.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx nest build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/events ./events
COPY --from=build /app/public ./public
COPY package.json ./
VOLUME /data
EXPOSE 3000
CMD ["node", "--max-semi-space-size=32", "dist/main.js"]
