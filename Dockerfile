# citebot as a container: a static binary on a distroless, non-root base.
#
#   docker build --build-arg VERSION=$(git describe --always) -t citebot .
#   docker run -p 8080:8080 citebot                      # answers from the embedded seeds
#
# See README.md, "Running citebot as a service", for a corpus, a persisted
# index on the /data volume, and the configuration.

# Base images are pinned. The builder is go.mod's exact Go release
# (cmd/citebot/docker_test.go checks it), never a moving minor tag. The
# runtime image: distroless publishes no version tags, only the moving
# :nonroot and digests, so it is pinned to the digest :nonroot had on
# 2026-08-26 (as recorded by public projects pinning it; this project's
# build machines reach no registry, so it was not re-resolved here).
# To move to a newer distroless, replace it with what
# `crane digest gcr.io/distroless/static-debian12:nonroot` prints.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# citebot:build — cmd/citebot/docker_test.go runs this same line (flags, env,
# package) so the image and the tested binary cannot drift apart. One line.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/citebot ./cmd/citebot
# The volume's mount point, owned by the runtime user so it can write an index there.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
COPY --from=build /out/citebot /citebot
COPY --from=build --chown=65532:65532 /out/data /data
# Listen on every interface inside the container; publish the port with -p.
# Set CITEBOT_API_TOKEN when the port is reachable by others.
ENV CITEBOT_HTTP_ADDR=0.0.0.0:8080
# What citebot writes as it serves (recorded answers and votes) goes to the
# volume, so it survives a restart or a new container on the same volume.
ENV CITEBOT_DATA_DIR=/data
EXPOSE 8080
# Persisted indexes (citebot index --index /data/index) and the data directory.
VOLUME ["/data"]
USER nonroot:nonroot
# No shell or curl in the image: citebot probes its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/citebot", "healthcheck"]
ENTRYPOINT ["/citebot"]
CMD ["serve"]
