import { z } from 'zod';
import { fieldErrors } from '../domain/report-input.ts';

/** RFC 5321's limit on a forward path: longer addresses cannot be delivered anyway. */
export const MAX_ADDRESS_LENGTH = 254;

// A deliberately plain shape (dot-atom local part, DNS domain with a dot): quoted local parts and
// address literals are legal but only ever seen in attacks on parsers.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** One value or several of a repeated form field (checkboxes), as formbody gives them. */
const manyStrings = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(100)).max(100));

/** What the subscribe form may send; the product ids are the program's. */
export function subscriptionSchema(productIds: readonly string[]) {
  return z
    .object({
      email: z
        .string({ error: 'Enter your e-mail address.' })
        // Control characters first: "a@b.c\r\nBcc: x@y.z" must be refused as what it is, whatever its length.
        .refine((v) => !/\p{Cc}/u.test(v), 'An e-mail address is one line: line breaks and control characters are not allowed.')
        .transform((v) => v.trim())
        .refine((v) => v.length > 0, 'Enter your e-mail address.')
        .refine((v) => v.length <= MAX_ADDRESS_LENGTH, `An e-mail address has at most ${MAX_ADDRESS_LENGTH} characters.`)
        .refine((v) => v.length > MAX_ADDRESS_LENGTH || (ADDRESS.test(v) && v.indexOf('@') <= 64), 'Enter an e-mail address like name@example.com.'),
      allProducts: z.preprocess((v) => v === 'yes' || v === 'on', z.boolean()),
      products: manyStrings.refine((ids) => ids.every((id) => productIds.includes(id)), 'Choose products from the list.'),
    })
    .refine((v) => v.allProducts || v.products.length > 0, { path: ['products'], message: 'Choose at least one product, or all products.' })
    .transform((v) => ({ email: v.email, allProducts: v.allProducts, products: v.allProducts ? [] : [...new Set(v.products)] }));
}

export type SubscriptionRequest = z.infer<ReturnType<typeof subscriptionSchema>>;

/** What the form sent, kept to show it again with the field messages (nothing typed is lost). */
export interface SubscriptionFormValues {
  email: string;
  allProducts: boolean;
  products: string[];
}

export function formValues(body: Record<string, unknown>): SubscriptionFormValues {
  const products = body.products === undefined ? [] : ([] as unknown[]).concat(body.products).filter((p): p is string => typeof p === 'string');
  return { email: typeof body.email === 'string' ? body.email : '', allProducts: body.allProducts === 'yes' || body.allProducts === 'on', products };
}

/** Parses the subscribe form: the request, or a message per field. */
export function parseSubscriptionForm(body: Record<string, unknown>, productIds: readonly string[]): { ok: true; value: SubscriptionRequest } | { ok: false; errors: Record<string, string> } {
  const parsed = subscriptionSchema(productIds).safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}
