# syntax=docker/dockerfile:1
# Alianza: one binary with the API, the mailbox sync and the web app.
#
#   docker build -t alianza .
#   docker run -p 8080:8080 -v alianza-data:/data \
#     -e ALIANZA_ADMIN_EMAIL=admin@example.org -e ALIANZA_ADMIN_PASSWORD_FILE=/run/secrets/admin \
#     alianza
#
# With no ALIANZA_MONGO_URI the embedded engine keeps its files in /data/db.
# For production set ALIANZA_MONGO_URI to a real MongoDB (a replica set for
# more than one machine), e.g. mongodb://alianza:PASS@mongo-1,mongo-2,mongo-3/?replicaSet=rs0
# and ALIANZA_JWT_SECRET(_FILE) shared by every instance behind the load balancer.

FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund
# Only the sources: a wholesale COPY ui/ would lay the host's node_modules
# (other platform, other versions) over the fresh npm ci above.
COPY ui/index.html ui/tsconfig.json ui/vite.config.ts ./
COPY ui/public ./public
COPY ui/src ./src
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/ui/dist ./ui/dist
# The build context has no .git (.dockerignore): pass the commit, and the
# release when it differs from cmd/alianza/version.go's (README, Upgrading):
#   docker build --build-arg COMMIT=$(git rev-parse HEAD) -t alianza .
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/alianza ./cmd/alianza \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/alianza /usr/local/bin/alianza
COPY --from=build --chown=65532:65532 /out/data /data
ENV ALIANZA_ADDR=0.0.0.0:8080 \
    ALIANZA_DATA_DIR=/data \
    ALIANZA_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# Healthy when /readyz answers: the database answers and takes writes (a
# full disk makes the container unhealthy). The start period covers the
# first start of the embedded engine and the rebuild of its tables after
# an upgrade (README, Upgrading).
HEALTHCHECK --interval=30s --timeout=10s --start-period=2m --retries=3 \
  CMD ["/usr/local/bin/alianza", "health"]
ENTRYPOINT ["/usr/local/bin/alianza"]
CMD ["serve"]
