package steps

// Progress is how far a checklist is: the items ticked, the items in all,
// and the required items still open.
type Progress struct {
	Done         int
	Total        int
	RequiredLeft []Item
}

// Progress computes the checklist's progress from the ticked item ids: the
// one computation the wizard, the plain mode and the runbook share.
func (c Checklist) Progress(checked map[string]bool) Progress {
	p := Progress{Total: len(c.Items)}
	for _, it := range c.Items {
		switch {
		case checked[it.ID]:
			p.Done++
		case !it.Optional:
			p.RequiredLeft = append(p.RequiredLeft, it)
		}
	}
	return p
}
