// Every actor behaviour of the exchange, as layers that register them with the runtime: with the
// sink writing to PostgreSQL (a node with a database), or with the sink's rows dropped on arrival
// (tests and benchmarks that keep no record). Notifications join here as they land.
import { Layer } from "effect"
import type { ActorRegistry } from "../runtime/registry.js"
import type { Sql } from "../storage/sql.js"
import { BookLive } from "./book/index.js"
import { ListingLive } from "./listing/index.js"
import { MarketMakerLive } from "./market-maker/index.js"
import { PricingLive } from "./pricing/index.js"
import { SinkLive } from "./sink/index.js"
import { Sink } from "./sink/protocol.js"
import { WalletLive } from "./wallet/index.js"

/** The trading behaviours; books, wallets and pricing report their rows to `sink/s<shard>`. */
const TradingLive: Layer.Layer<never, never, ActorRegistry> = Layer.mergeAll(WalletLive, BookLive, PricingLive, MarketMakerLive, ListingLive)

/** All behaviours a `viralfx node` runs: the trading actors and the sink writing to `Sql`. */
export const ActorsLive: Layer.Layer<never, never, ActorRegistry | Sql> = Layer.merge(TradingLive, SinkLive)

/**
 * The trading actors on a node that keeps no record: sink messages are dropped unread on arrival
 * (no job, no dead letter). Never in a cluster whose other nodes run the real sink.
 */
export const ActorsWithoutRecordLive: Layer.Layer<never, never, ActorRegistry> = Layer.merge(TradingLive, Sink.toDiscardLayer())
