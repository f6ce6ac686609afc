// The pricing actor: trend signals -> index price by the domain formula (DESIGN §3 "Pricing"),
// published as `price:updated` and passed to the house market maker when it moves; every signal
// is recorded in trend_metrics through the sink.
import { type CategoryParams, defaultCategoryParams, indexPrice, simulatePriceMovement, type TrendSignal } from "../../domain/pricing.js"
import type { Handlers } from "../../runtime/actor.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import { MarketMaker, Requote } from "../market-maker/protocol.js"
import { mergeRecords, RecordSignals, sinkFor } from "../sink/protocol.js"
import type { PriceUpdated, PricingMessage } from "./protocol.js"

/** One symbol's pricing state. */
export interface PricingState {
  readonly symbol: string
  params: CategoryParams
  base: number
  /** Virality score at the first signal: Δvirality is measured from it. */
  baseScore: number | null
  index: number
  viralityScore: number
  sentimentPermille: number
  /** Recent signals (bounded), oldest first, for projections. */
  recent: Array<TrendSignal>
  signals: number
  updatedAt: number
  marketMaker: boolean
}

const RECENT = 20
const isInt = (n: number) => Number.isSafeInteger(n)

/** A symbol before its listing configured it. */
export const emptyPricing = (symbol: string): PricingState => ({
  symbol, params: defaultCategoryParams, base: defaultCategoryParams.base, baseScore: null, index: defaultCategoryParams.base,
  viralityScore: 0, sentimentPermille: 0, recent: [], signals: 0, updatedAt: 0, marketMaker: false
})

/** The pricing handler record. */
export const pricingHandlers: Handlers<PricingState, PricingMessage> = {
  Configure: (s, m) => {
    const p = m.params
    if (![p.base, p.floor, p.centsPerPoint, p.maxVelocityPermille, p.sentimentSensitivityPermille, m.base].every(isInt) || m.base < 1) {
      throw new Error(`pricing parameters of ${s.symbol} are malformed`)
    }
    const first = s.signals === 0
    s.params = p
    s.base = m.base
    if (first) s.index = Math.max(m.base, Math.max(1, p.floor))
    s.marketMaker = m.marketMaker
    return s
  },

  Signal: (s, m, ctx) => {
    if (![m.viralityScore, m.velocityPermille, m.sentimentPermille].every(isInt)) throw new Error("signal values must be integers")
    const baseScore = s.baseScore ?? m.viralityScore
    const signal: TrendSignal = { deltaVirality: m.viralityScore - baseScore, velocityPermille: m.velocityPermille, sentimentPermille: m.sentimentPermille }
    const next = indexPrice(s.params, signal, s.base)
    const moved = next !== s.index
    s.baseScore = baseScore
    s.index = next
    s.viralityScore = m.viralityScore
    s.sentimentPermille = m.sentimentPermille
    s.recent.push(signal)
    if (s.recent.length > RECENT) s.recent.splice(0, s.recent.length - RECENT)
    s.signals++
    s.updatedAt = ctx.time
    const event: PriceUpdated = { type: "price:updated", symbol: s.symbol, indexPrice: next, viralityScore: m.viralityScore, sentimentPermille: m.sentimentPermille, time: ctx.time }
    ctx.publish("prices", event)
    // (symbol, observedAt) is the row's key: a re-sent signal is stored once.
    const observedAt = m.observedAt !== undefined && isInt(m.observedAt) ? m.observedAt : ctx.time
    const volume = Math.round(m.volume ?? 0)
    const engagementRate = m.engagementRate ?? 0
    ctx.sendMerged(sinkFor(ctx), trustedMessage(RecordSignals, {
      samples: [{
        symbol: s.symbol, observedAt, viralityScore: m.viralityScore, sentiment: m.sentimentPermille / 1000,
        velocity: m.velocityPermille / 1000, volume: isInt(volume) && volume >= 0 ? volume : 0,
        engagementRate: Number.isFinite(engagementRate) ? engagementRate : 0
      }]
    }), mergeRecords)
    if (moved && s.marketMaker) ctx.send(MarketMaker.ref(s.symbol), new Requote({ indexPrice: next }))
    return s
  },

  GetPrice: (s, _m, ctx) => {
    ctx.reply({ symbol: s.symbol, indexPrice: s.index, viralityScore: s.viralityScore, sentimentPermille: s.sentimentPermille, signals: s.signals, updatedAt: s.updatedAt })
    return s
  },

  Project: (s, m, ctx) => {
    const steps = Math.max(0, Math.min(1000, m.steps))
    ctx.reply(simulatePriceMovement(s.params, { start: s.index, signals: s.recent, steps, volatilityBps: Math.max(0, m.volatilityBps), seed: m.seed }))
    return s
  }
}
