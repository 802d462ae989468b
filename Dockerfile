# syntax=docker/dockerfile:1
# One image, three NativeAOT binaries: the webhook (ENTRYPOINT), the elector sidecar it injects, and the
# kubectl plugin (kubectl-single_active; copy it out with `docker cp` or take the release binary).
# The webhook injects its own image as the sidecar (deploy/ passes it in SINGLE_ACTIVE_IMAGE), so
# webhook and elector can never skew. The publish steps live in webhook/publish.sh, which CI runs
# too (tests/run.sh): the image is built the way the tests prove works.
#   docker build --build-arg SOURCE_REVISION=$(git rev-parse HEAD) -t REGISTRY/single-active:TAG .
# (SOURCE_REVISION: the commit the build info metrics report; the context has no .git to read it from.)

# --- build: the .NET SDK, clang and zlib for the NativeAOT link --------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
# NativeAOT cannot cross-compile between CPU architectures here: the build stage runs on the
# target platform (emulated for a foreign one) and the RID follows TARGETARCH.
ARG TARGETARCH=amd64
RUN apt-get update \
    && apt-get install -y --no-install-recommends clang zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json nuget.config Directory.Build.props Directory.Packages.props ./
COPY webhook/ webhook/
# Declared here, not above: a new commit then rebuilds only the publish step, not the apt layer.
ARG SOURCE_REVISION=
RUN if [ "$TARGETARCH" = "arm64" ]; then rid=linux-arm64; else rid=linux-x64; fi \
    && RID="$rid" SOURCE_REVISION="$SOURCE_REVISION" webhook/publish.sh /out

# --- final: glibc, OpenSSL and CA certificates only; no shell, no package manager ---------------
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS final
COPY --from=build /out/single-active-webhook /usr/local/bin/single-active-webhook
COPY --from=build /out/single-active-elector /usr/local/bin/single-active-elector
COPY --from=build /out/kubectl-single_active /usr/local/bin/kubectl-single_active
# The same non-root uid/gid the Deployment and the injected sidecar run as.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/single-active-webhook"]
