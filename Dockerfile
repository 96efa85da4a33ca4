# One image for the gateway and every agency subgraph; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV HOST=0.0.0.0 NODE_ENV=production
EXPOSE 4000
CMD ["npm", "start"]
