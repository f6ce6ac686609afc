// The pricing actor's protocol (`pricing/<symbol>`): configured by the listing, fed trend
// signals by the ML services (through the edge), read by the edge's market view.
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"

/** Per-category pricing parameters, integers (see domain/pricing.ts). */
export const CategoryParams = Schema.Struct({
  base: Schema.Int,
  floor: Schema.Int,
  centsPerPoint: Schema.Int,
  maxVelocityPermille: Schema.Int,
  sentimentSensitivityPermille: Schema.Int
})

/** Sets the category parameters and the base price; `marketMaker` re-quotes the house maker on moves. */
export class Configure extends Schema.TaggedClass<Configure>()("Configure", {
  params: CategoryParams,
  /** Base price in cents (the listing price). */
  base: Schema.Int,
  marketMaker: Schema.Boolean
}) {}

/** One trend observation: virality score (points), velocity and sentiment in permille. */
export class Signal extends Schema.TaggedClass<Signal>()("Signal", {
  viralityScore: Schema.Number,
  velocityPermille: Schema.Number,
  sentimentPermille: Schema.Number,
  /** When the ML service observed it (epoch ms); absent: the message's time. Recorded, not priced. */
  observedAt: Schema.optional(Schema.Number),
  /** Mentions counted, and engagement rate 0..1: recorded in trend_metrics, not priced. */
  volume: Schema.optional(Schema.Number),
  engagementRate: Schema.optional(Schema.Number)
}) {}

/** The market view's pricing part. */
export const PriceView = Schema.Struct({
  symbol: Schema.String,
  indexPrice: Schema.Number,
  viralityScore: Schema.Number,
  sentimentPermille: Schema.Number,
  signals: Schema.Number,
  updatedAt: Schema.Number
})
export type PriceView = typeof PriceView.Type

/** The current index price. */
export class GetPrice extends Schema.TaggedRequest<GetPrice>()("GetPrice", {
  failure: Schema.Never,
  success: PriceView,
  payload: {}
}) {}

/** A seeded projection of the price from the recent signals (`simulatePriceMovement`). */
export class Project extends Schema.TaggedRequest<Project>()("Project", {
  failure: Schema.Never,
  success: Schema.Array(Schema.Number),
  payload: { steps: Schema.Int, volatilityBps: Schema.Int, seed: Schema.Int }
}) {}

/** Every message a pricing actor accepts. */
export const PricingProtocol = Schema.Union(Configure, Signal, GetPrice, Project)
export type PricingMessage = typeof PricingProtocol.Type

/** The pricing kind, one per symbol. */
export const Pricing = makeActorKind("pricing", PricingProtocol)

/** The `prices` feed event of `pricing/<symbol>`. */
export interface PriceUpdated {
  readonly type: "price:updated"
  readonly symbol: string
  readonly indexPrice: number
  readonly viralityScore: number
  readonly sentimentPermille: number
  readonly time: number
}
