package evaluate

// gather reads the numbers of valid bids into g for the scorer (see
// gathered): each price and score once, as a num, and the quality scores
// in the CriterionScore values the result will hold, with whether each
// meets its pass mark. Validation has checked the bids; gather only reads.
func (g *gathered) gather(t *Tender, bids []Bid) {
	g.init(t, len(bids))
	qs := t.Criteria.Quality
	pass := make([]num, len(qs))
	for j, q := range qs {
		pass[j] = numOf(q.PassMark)
	}
	for i := range bids {
		b := &bids[i]
		g.price[i] = numOf(b.Price)
		failed := false
		for j, q := range qs {
			s := b.Quality[q.ID]
			n := numOf(s)
			passed := cmpBoth(n, s, pass[j], q.PassMark) >= 0
			failed = failed || !passed
			g.crit[i*g.k+j] = CriterionScore{ID: q.ID, Score: s, Passed: passed}
			g.q[i*g.k+j] = n
		}
		g.failed[i] = failed
		g.qual[i] = num{} // the workspace's buffers are reused: see workspace
		if q := b.SocialValue.Qualitative; q != nil {
			g.qual[i] = numOf(*q)
		}
	}
}
