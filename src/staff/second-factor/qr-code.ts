/**
 * The otpauth:// URI as a QR code in inline SVG markup, rendered on the
 * server: the CSP allows no inline script, and inline <svg> needs no image
 * source. The markup is the library's own rectangles and paths; anything
 * else is refused before a page inlines it unescaped.
 */
export async function qrCodeSvg(text: string, label: string): Promise<string> {
  const { default: QRCode } = await import('qrcode'); // loaded for the rare enrolment, not at start
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 220, color: { dark: '#000000', light: '#ffffff' } });
  if (!svg.startsWith('<svg ') || !/^[\w\s<>/="#.:-]*$/.test(svg) || /script|href|\son/i.test(svg)) throw new Error('unexpected QR code markup');
  const safeLabel = label.replace(/[^\w .@-]/g, '');
  return svg.replace('<svg ', `<svg role="img" aria-label="${safeLabel}" `);
}
