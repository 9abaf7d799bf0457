/**
 * Automatic checks of a new review. A review that trips any of them waits for an operator
 * (PENDING_MODERATION) instead of being published at once.
 */
const PROFANITY = ['fuck', 'shit', 'bitch', 'bastard', 'asshole', 'dickhead', 'cunt', 'motherfucker', 'wanker', 'prick'];
const PROFANITY_PATTERN = new RegExp(`\\b(${PROFANITY.join('|')})(s|es|ed|ing)?\\b`, 'i');
const LINK = /(https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(com|net|org|io|biz|info|ru|cn|xyz|top)\b/i;
/** The same character 8 times in a row, or the same word 4 times in a row. */
const REPETITION = /(.)\1{7,}|\b(\w+)\b(?:\W+\2\b){3,}/i;

export type ModerationReason = 'PROFANITY' | 'LINK' | 'REPETITION' | 'ALL_CAPS';

export function moderationReasons(title: string, body: string): ModerationReason[] {
  const text = `${title}\n${body}`;
  const reasons: ModerationReason[] = [];
  if (PROFANITY_PATTERN.test(text)) reasons.push('PROFANITY');
  if (LINK.test(text)) reasons.push('LINK');
  if (REPETITION.test(text)) reasons.push('REPETITION');
  const letters = text.replace(/[^A-Za-z]/g, '');
  if (letters.length >= 20 && letters.replace(/[^A-Z]/g, '').length / letters.length >= 0.8) reasons.push('ALL_CAPS');
  return reasons;
}
