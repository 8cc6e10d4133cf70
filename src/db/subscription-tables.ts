/** The tables of customer subscriptions (src/subscriptions/), merged into Database in schema.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SubscriptionTables {}
