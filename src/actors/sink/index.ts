// The sink behaviour as a layer: registers `sink` with the runtime and writes through one
// group-commit writer per node. Needs `Sql` (a URL or the embedded PGlite) besides the registry.
import { Effect, Layer } from "effect"
import type { ActorRegistry } from "../../runtime/registry.js"
import type { Sql } from "../../storage/sql.js"
import { sinkBatch, sinkHandlers } from "./behaviour.js"
import { Sink } from "./protocol.js"
import { makeSinkWriter, type SinkWriterOptions } from "./sink-writer.js"

/** The sink with explicit writer options (benchmarks, tests). */
export const sinkLayer = (options: SinkWriterOptions = {}): Layer.Layer<never, never, ActorRegistry | Sql> =>
  Layer.unwrapScoped(Effect.map(makeSinkWriter(options), (writer) => Sink.toEffectLayer(sinkHandlers(writer), { batch: sinkBatch(writer) })))

/** Registers the sink kind; requires `Sql`. */
export const SinkLive: Layer.Layer<never, never, ActorRegistry | Sql> = sinkLayer()
