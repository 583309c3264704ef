# halod, for users with Docker (docker-compose.yml). Development here uses scripts/run.sh.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/halod ./cmd/halod

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/halod /halod
EXPOSE 8080
ENTRYPOINT ["/halod"]
CMD ["serve"]
