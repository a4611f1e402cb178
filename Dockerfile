# The Berth operator image: `docker build -t berth:0.1.0 .`, then set the chart's image values.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The prepare script builds, and there are no sources yet: build below instead.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
RUN ln -s /app/dist/cli/main.js /usr/local/bin/berth
# The node user of the base image, by number so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8080 9443
ENTRYPOINT ["berth", "run"]
