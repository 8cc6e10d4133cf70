/** What a subscriber follows: every product of the program, or some. */
export interface Selection {
  allProducts: boolean;
  products: readonly string[];
}

/** Does a subscriber with this selection hear about an advisory on these products? (the fan-out's SQL says the same) */
export function follows(selection: Selection, advisoryProductIds: readonly string[]): boolean {
  return selection.allProducts || selection.products.some((id) => advisoryProductIds.includes(id));
}
