package io.commandcenter.models.backtest;

/** One output row: the input's timestamp text, risk, confidence and top factor ({@code feature[metric]}). */
public record BacktestRow(String timestamp, double risk, double confidence, String topFactor) {
}
