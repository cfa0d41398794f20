# sohoa worker image: Node 24 slim, production dependencies only, language data inside, runs as a non-root user.
# Build: docker build -t sohoa .    Run: docker run sohoa worker --queue postgres://…   (the default command is `worker`)
# Nothing is downloaded when the container runs: OCR language data, fonts and the ICC profile come with the image.
# The image reads pages with Debian's tesseract 5 and its Vietnamese model (about twice the speed of tesseract.js);
# `--engine tesseract.js` (or SOHOA_ENGINE=tesseract.js, SOHOA_LANG_DATA=) runs the embedded engine on the npm models.

# The JavaScript the package ships: the same `npm run build` (tsc into dist/) as `npm pack`.
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund \
 && npm run build

FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the locked versions, without dev dependencies; install scripts stay blocked unless package.json approves them.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
# Fail the build, not the first dossier, if the OCR language data did not come with the packages.
RUN test -s node_modules/@tesseract.js-data/vie/4.0.0_best_int/vie.traineddata.gz \
 && test -s node_modules/@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz \
 && test -s node_modules/@tesseract.js-data/osd/4.0.0/osd.traineddata.gz \
 && test -s node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf

FROM node:24.22.3-bookworm-slim
# The native engine: Debian's tesseract 5 with the Vietnamese and English models and OSD (orientation).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
 && rm -rf /var/lib/apt/lists/* \
 && tesseract --version \
 && test -s /usr/share/tesseract-ocr/5/tessdata/vie.traineddata \
 && test -s /usr/share/tesseract-ocr/5/tessdata/osd.traineddata
# MALLOC_ARENA_MAX and the semi-space size are set here so bin/sohoa.js need not re-execute itself to set them.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-semi-space-size=2 \
    SOHOA_WORK_DIR=/tmp/sohoa-work \
    SOHOA_ENGINE=tesseract \
    SOHOA_LANG_DATA=/usr/share/tesseract-ocr/5/tessdata
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY --from=build /app/dist ./dist
COPY pipelines ./pipelines
# The image's `node` user (uid 1000): the app files stay root-owned and read-only to it; it writes only under /tmp.
USER node
# No HEALTHCHECK: a worker serves nothing to probe, and liveness is already watched where it matters. Each job's
# heartbeat in PostgreSQL lapses if the worker hangs or dies, and another worker takes the dossier over.
# SIGTERM (docker stop) drains: no new dossiers, the active ones finish or are released, then exit 0. Give it
# longer than the drain time (30 s by default), e.g. `docker stop -t 45` or compose's stop_grace_period.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/sohoa.js"]
CMD ["worker"]
