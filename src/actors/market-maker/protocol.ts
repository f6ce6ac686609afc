// The house market maker's protocol (`market-maker/<symbol>`): started by the house wallet once
// the supply is issued, re-quoted by the pricing actor when the index moves.
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"
import { MakerParams, MarketTerms } from "../book/protocol.js"

/** Starts (or re-parameterises) quoting around `indexPrice`. */
export class Start extends Schema.TaggedClass<Start>()("Start", {
  terms: MarketTerms,
  params: MakerParams,
  indexPrice: Schema.Number
}) {}

/** The index price moved: quote a new ladder around it. */
export class Requote extends Schema.TaggedClass<Requote>()("Requote", { indexPrice: Schema.Number }) {}

/** Stops quoting: the ladder is replaced by an empty one. */
export class Stop extends Schema.TaggedClass<Stop>()("Stop", {}) {}

/** The maker's state. */
export class GetMaker extends Schema.TaggedRequest<GetMaker>()("GetMaker", {
  failure: Schema.Never,
  success: Schema.Struct({ running: Schema.Boolean, version: Schema.Number, indexPrice: Schema.Number }),
  payload: {}
}) {}

/** Every message a market maker accepts. */
export const MakerProtocol = Schema.Union(Start, Requote, Stop, GetMaker)
export type MakerMessage = typeof MakerProtocol.Type

/** The market maker kind, one per symbol. */
export const MarketMaker = makeActorKind("market-maker", MakerProtocol)
