# Multi-stage build: compile on Debian 12 with the project's own installer (its build packages
# include libhiredis-dev), run as a non-root user in a slim image holding only the binary and the
# shared libraries it needs.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash tools/install-deps.sh build \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DACMCP_BUILD_TESTS=OFF \
 && cmake --build build \
 && strip build/activecampaign-mcp

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 libspdlog1.10 libfmt9 \
    libhiredis0.14 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --uid 10001 mcp
COPY --from=build /src/build/activecampaign-mcp /usr/local/bin/activecampaign-mcp
USER mcp
ENTRYPOINT ["/usr/local/bin/activecampaign-mcp"]
