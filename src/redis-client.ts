// The type of a Redis connection anywhere in the project: one server (or a Sentinel-managed
// primary, which ioredis also gives as `Redis`) or a Redis Cluster. Both are ioredis Commanders,
// so every command, `defineCommand` script, pipeline and MULTI has the same signature on either;
// what differs (SCAN walks one node only on a Cluster) is handled where it is used.
import type { Cluster, Redis } from "ioredis";

export type RedisClient = Redis | Cluster;
