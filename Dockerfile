# syntax=docker/dockerfile:1
# tierfit: the kube-scheduler extender (and the rest of the CLI) on Node.js 24, an LTS line
# (the code also runs and is tested on Node 20 and 22). The base is pinned by digest, so a
# rebuild gets the same bytes; move both the version and the digest when updating it.
#   docker build -t tierfit:0.1.0 .
ARG NODE_IMAGE=node:24.11.1-bookworm-slim@sha256:48abc13a19400ca3985071e287bd405a1d99306770eb81d61202fb6b65cf0b57

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The sources are not copied yet, so the prepare script (the build) must not run here.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY sim ./sim
COPY bench ./bench
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# 8888: kube-scheduler's verbs (HTTPS with --tls-cert); 8889: the admin listener (plain HTTP).
EXPOSE 8888 8889
# The slim image has no curl; node's own fetch does the check, on the admin listener, which
# serves plain HTTP on 127.0.0.1 whether or not the verbs are behind mutual TLS.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8889/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/tierfit.js"]
CMD ["serve", "--config", "/etc/tierfit/tierfit.yaml"]
