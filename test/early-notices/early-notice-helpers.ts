/** Jobs the subscription setup queues that the early notice tests do not look at. */
export const DELETED_JOBS_KINDS = ['subscription-mail', 'forget-unconfirmed-subscribers'] as ('subscription-mail' | 'forget-unconfirmed-subscribers')[];
