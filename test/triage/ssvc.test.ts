import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideSsvc, utilityOf } from '../../src/triage/ssvc.ts';

// Rows of CERT/CC SSVC "Supplier Patch Development Priority" 1.0.0:
// exploitation, utility, technical impact, public safety impact → priority.
const PUBLISHED = `
none,laborious,partial,minimal,defer
none,laborious,partial,significant,scheduled
none,laborious,total,minimal,scheduled
none,laborious,total,significant,out-of-cycle
none,efficient,partial,minimal,scheduled
none,efficient,partial,significant,out-of-cycle
none,efficient,total,minimal,scheduled
none,efficient,total,significant,out-of-cycle
none,super effective,partial,minimal,scheduled
none,super effective,partial,significant,out-of-cycle
none,super effective,total,minimal,out-of-cycle
none,super effective,total,significant,out-of-cycle
public poc,laborious,partial,minimal,scheduled
public poc,laborious,partial,significant,out-of-cycle
public poc,laborious,total,minimal,scheduled
public poc,laborious,total,significant,immediate
public poc,efficient,partial,minimal,scheduled
public poc,efficient,partial,significant,immediate
public poc,efficient,total,minimal,out-of-cycle
public poc,efficient,total,significant,immediate
public poc,super effective,partial,minimal,out-of-cycle
public poc,super effective,partial,significant,immediate
public poc,super effective,total,minimal,out-of-cycle
public poc,super effective,total,significant,immediate
active,laborious,partial,minimal,out-of-cycle
active,laborious,partial,significant,immediate
active,laborious,total,minimal,out-of-cycle
active,laborious,total,significant,immediate
active,efficient,partial,minimal,out-of-cycle
active,efficient,partial,significant,immediate
active,efficient,total,minimal,out-of-cycle
active,efficient,total,significant,immediate
active,super effective,partial,minimal,immediate
active,super effective,partial,significant,immediate
active,super effective,total,minimal,immediate
active,super effective,total,significant,immediate`;

// Each utility value reached through one Automatable × Value Density pair (the utility table).
const UTILITY_INPUTS = {
  laborious: [['no', 'diffuse']],
  efficient: [['no', 'concentrated'], ['yes', 'diffuse']],
  'super effective': [['yes', 'concentrated']],
} as const;

describe('SSVC supplier patch development priority', () => {
  it('derives utility from automatable and value density', () => {
    assert.equal(utilityOf('no', 'diffuse'), 'laborious');
    assert.equal(utilityOf('no', 'concentrated'), 'efficient');
    assert.equal(utilityOf('yes', 'diffuse'), 'efficient');
    assert.equal(utilityOf('yes', 'concentrated'), 'super-effective');
  });

  it('matches every row of the published table', () => {
    let checked = 0;
    for (const line of PUBLISHED.trim().split('\n')) {
      const [e, u, t, p, expected] = line.split(',') as [string, keyof typeof UTILITY_INPUTS, 'partial' | 'total', 'minimal' | 'significant', string];
      for (const [automatable, valueDensity] of UTILITY_INPUTS[u]) {
        const d = decideSsvc({ exploitation: e === 'public poc' ? 'public-poc' : (e as 'none' | 'active'), automatable, valueDensity, technicalImpact: t, publicSafetyImpact: p });
        assert.equal(d.priority, expected, line);
        checked++;
      }
    }
    assert.equal(checked, 48);
  });
});
