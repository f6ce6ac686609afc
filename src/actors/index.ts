// Every actor behaviour of the exchange, as one layer that registers them with the runtime.
// Trading actors (book, wallet, pricing, market maker, notifications, sink) join here as they land.
import { Layer } from "effect"
import type { ActorRegistry } from "../runtime/registry.js"

/** All behaviours a `viralfx node` runs. */
export const ActorsLive: Layer.Layer<never, never, ActorRegistry> = Layer.empty
