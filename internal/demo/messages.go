package demo

import (
	"time"

	"github.com/alianza-pe/alianza/internal/mailsync"
	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TeamAddress is the demo team's shared mailbox.
const TeamAddress = "equipo@alianza.test"

// MailboxID is the demo mailbox the messages say they were seen in.
var MailboxID = ID("mailbox-demo")

// mailPlan is one demo email. from/to are actor keys, or addresses when
// they contain "@". replyTo names the plan this one answers.
type mailPlan struct {
	key, from, to, subject, text, html string
	daysAgo                            int
	outbound                           bool
	replyTo                            string
	status                             string
}

var mails = []mailPlan{
	{key: "propuesta", from: TeamAddress, to: "leg-rosa-quispe", daysAgo: 6, outbound: true,
		subject: "Propuesta de ley sobre trata de personas: texto para revisión",
		text:    "Estimada congresista:\n\nAdjuntamos el texto de la propuesta conversada en la reunión de Cusco. Agradeceremos sus comentarios.\n\nEquipo Alianza (demo)"},
	{key: "propuesta-re", from: "leg-rosa-quispe", to: TeamAddress, daysAgo: 2, replyTo: "propuesta",
		subject: "Re: Propuesta de ley sobre trata de personas: texto para revisión",
		text:    "Gracias. Mi despacho presentará la propuesta en la Comisión de la Mujer antes de fin de mes.\n\nRosa Quispe (ficticia)"},
	{key: "presupuesto-loreto", from: TeamAddress, to: "leg-ana-tapia", daysAgo: 12, outbound: true,
		subject: "Seguimiento: compromiso de presupuesto para la unidad de protección en Loreto",
		text:    "Estimada congresista:\n\nEscribimos para dar seguimiento al compromiso asumido sobre el presupuesto de la unidad de protección a víctimas.\n\nEquipo Alianza (demo)"},
	{key: "acta-comite", from: "ins-fiscalia-cusco", to: TeamAddress, daysAgo: 4, status: model.MessageFollowUp,
		subject: "Informe trimestral de casos de trata en Cusco",
		text:    "Remitimos el informe trimestral de casos. Quedamos atentos a la reunión de coordinación.",
		html:    "<p>Remitimos el <strong>informe trimestral</strong> de casos.</p><p>Quedamos atentos a la reunión de coordinación.</p>"},
	{key: "entrevista", from: "prensa@noticias-demo.pe", to: TeamAddress, daysAgo: 1,
		subject: "Solicitud de entrevista sobre trata en Madre de Dios",
		text:    "Buenos días, quisiera entrevistar a su equipo sobre la situación en Madre de Dios. Prensa Demo (ficticia)."},
	{key: "defensoria", from: "ins-defensoria-loreto", to: TeamAddress, daysAgo: 3,
		subject: "Convocatoria: mesa regional contra la trata en Iquitos",
		text:    "Les invitamos a la mesa regional que se realizará en Iquitos el próximo mes."},
}

// Messages builds the demo correspondence: a thread with a reply, an
// outbound follow-up still awaiting its reply, messages from known
// stakeholders and one from an unknown address (the unmatched queue).
func Messages(now time.Time) []model.IncomingMessage {
	byKey := map[string]*model.IncomingMessage{}
	out := make([]model.IncomingMessage, 0, len(mails))
	for i, p := range mails {
		mid := p.key + "@demo.alianza.test"
		m := model.Message{
			ID: mailsync.IDForMessageID(mid), MessageID: mid, ThreadID: mailsync.IDForMessageID(mid),
			Subject: p.subject, From: model.Address{Address: address(p.from)}, To: []model.Address{{Address: address(p.to)}},
			Date: now.Add(-time.Duration(p.daysAgo) * 24 * time.Hour).Truncate(time.Minute).UTC(), Snippet: mailsync.Snippet(p.text),
			Direction: model.Inbound, Status: model.MessageNew, HasHTML: p.html != "", Version: 1,
			SeenIn:         []model.Location{{MailboxID: MailboxID, Folder: "INBOX", UID: uint32(i + 1), UIDValidity: 1}},
			StakeholderIDs: []bson.ObjectID{}, Regions: []string{},
		}
		if p.outbound {
			m.Direction = model.Outbound
			m.SeenIn[0].Folder = "Sent"
		}
		if p.status != "" {
			m.Status = p.status
		}
		if parent, ok := byKey[p.replyTo]; ok {
			m.ThreadID = parent.Message.ThreadID
			m.InReplyTo = []string{parent.Message.MessageID}
			m.References = []string{parent.Message.MessageID}
		}
		out = append(out, model.IncomingMessage{Message: m, Body: model.MessageBody{ID: m.ID, Text: p.text, HTML: p.html}})
		byKey[p.key] = &out[len(out)-1]
	}
	return out
}

// address turns an actor key into its demo email; addresses pass through.
func address(keyOrAddr string) string {
	for _, a := range actors {
		if a.key == keyOrAddr {
			return email(a)
		}
	}
	return keyOrAddr
}
