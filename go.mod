module github.com/docker-scim/docker-scim

go 1.26.8
