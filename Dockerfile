# halod, for users with Docker (docker-compose.yml). Development here uses scripts/run.sh.
FROM node:20 AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npx tsc --noEmit -p . && npx vite build

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /web/static/app web/static/app
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/halod ./cmd/halod

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/halod /halod
EXPOSE 8080
ENTRYPOINT ["/halod"]
CMD ["serve"]
