# sohoa worker image: Node 24 slim, production dependencies only, language data inside, runs as a non-root user.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Language data comes with the @tesseract.js-data packages, so nothing is downloaded when the container runs.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production \
    SOHOA_WORK_DIR=/tmp/sohoa-work
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY pipelines ./pipelines
USER node
ENTRYPOINT ["node", "bin/sohoa.js"]
CMD ["--help"]
