// Every actor behaviour of the exchange, as one layer that registers them with the runtime.
// Notifications and the sink join here as they land.
import { Layer } from "effect"
import type { ActorRegistry } from "../runtime/registry.js"
import { BookLive } from "./book/index.js"
import { ListingLive } from "./listing/index.js"
import { MarketMakerLive } from "./market-maker/index.js"
import { PricingLive } from "./pricing/index.js"
import { WalletLive } from "./wallet/index.js"

/** All behaviours a `viralfx node` runs. */
export const ActorsLive: Layer.Layer<never, never, ActorRegistry> = Layer.mergeAll(WalletLive, BookLive, PricingLive, MarketMakerLive, ListingLive)
